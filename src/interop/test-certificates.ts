/**
 * The interop test certificates (interop/certs in the repository), built in so that `tsgrpc interop
 * server --use_tls` and `tsgrpc interop client --use_tls --use_test_ca` work together from the
 * installed package, as the reference implementations do with their own test credentials.
 * TEST-ONLY: the private key is public. The server certificate is for `*.test.google.fr`,
 * `foo.test.google.fr`, `localhost`, `127.0.0.1` and `::1`, signed by the test CA.
 * test/interop/interop-command.test.ts checks these equal the files in interop/certs.
 */

/** The test CA certificate (PEM), trusted by the client with --use_test_ca. */
export const TEST_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIDEjCCAfqgAwIBAgIUPUPLDvMGw+nwc3H6uG821cYDFIcwDQYJKoZIhvcNAQEL
BQAwITEfMB0GA1UEAwwWdHNncnBjIGludGVyb3AgdGVzdCBDQTAeFw0yNjExMjUx
NDE0MTNaFw0zNjExMjIxNDE0MTNaMCExHzAdBgNVBAMMFnRzZ3JwYyBpbnRlcm9w
IHRlc3QgQ0EwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDfbaZS2Dj+
NvFPnHzx0HGOrMfix7DirF7r/zvwMWpu31TNktM8Si4BPx+Zjthk76nCoSckYe9s
drJiX+qt6eMujtpqFJJS6d+pyrgFW7RZFFD0V27x2RwanxLdeTTL3kr085p1+MuV
h8jH7Tw5ahfBkskYZ8PX0DC+puDbciqAhyjN1vSDvl2+JyX4hpAnm2t/2q5bKLaI
78UHki+EBK3EuI/c9i5slyiMSKD1pL66V05UoUtrQqe/UsQki1H726i6kVUX7lvR
coUXE0YVQSE9lwXzUiExyA/QZwu3zbv3Hm/0/Gr/Fku5iEAflb3+CukUZPqYJF2d
FuGMnjRGDNf1AgMBAAGjQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD
AgEGMB0GA1UdDgQWBBQ6RL025lvqzp4CkR+ol//pePUykjANBgkqhkiG9w0BAQsF
AAOCAQEAi2NpfneVi7IgRjx4IVNMe4eilOk9rDa7pe7kqn1Hl3WKmRDm/KfEwf+4
u6or/Z+rC1DzMzEYEFz2VNZIwjRAoVfwrRYm4uplYGPSeWkdJFPQKYDLXll2kBts
adBUQHd6xa29KlkI8n47uef79RW4Wha0O7sQXOVXDo6Q3E9q5GFDRyA3MMU0CwUG
kaK6xRnIW+1KxM6zwwYma5nT8kJdPqmi+im2CIKxthB9ZaLG4/DsjNfHd2KqEIZs
84az4Aqs8CKXRLnEg8noFnkcXZA8jdsKC+AyZgVm+7l8Q6EuKcmJHTjQvR3pd2q/
T2i22wCbTxPsISCFuP9nv87GaIztVQ==
-----END CERTIFICATE-----
`;

/** The server certificate (PEM) the interop server presents with --use_tls and no --tls_cert_file. */
export const TEST_SERVER_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIDlTCCAn2gAwIBAgIUYwcMNkuU7eg9l1E2khs96BSA2vMwDQYJKoZIhvcNAQEL
BQAwITEfMB0GA1UEAwwWdHNncnBjIGludGVyb3AgdGVzdCBDQTAeFw0yNjExMjUx
NDE0MTNaFw0zNjExMjIxNDE0MTNaMBsxGTAXBgNVBAMMECoudGVzdC5nb29nbGUu
ZnIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDSKnVkN/MFvR0Uv0d/
b7qUvWhCO+CAgOA/wpZcbTbCp64vqG/ozpoyjOq2mOJlsE+q9cJOu2GZqs60RFJP
hdnIVWrTAXTJ/Wl9b/RVPAY/fyVkVyKAKqdGK/Hglxpfcc5shkETfeS3ZK64OpbF
6WVqXAedMq9MJdESUoSaQpm0Vi4s35BovbDqWwoo0hDp0vOG53FfXkdilhsRQT31
mkpz6D+BCoCMwX5Tav6xSRqPvleyLxyhJEzXxrUxLRJ5jQGkSwCP8qysxNn3M1rS
Ug5iPSH8SypxDqte7l7+NWjLZH73/DpqKHQzZI1GgamjEOOIH/ZiOklBUF0xGddA
8f03AgMBAAGjgcowgccwDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8EBAMCBaAwEwYD
VR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFOvnrOpOkFdRq1SumpX1lQEzw96o
MB8GA1UdIwQYMBaAFDpEvTbmW+rOngKRH6iX/+l49TKSMFIGA1UdEQRLMEmCECou
dGVzdC5nb29nbGUuZnKCEmZvby50ZXN0Lmdvb2dsZS5mcoIJbG9jYWxob3N0hwR/
AAABhxAAAAAAAAAAAAAAAAAAAAABMA0GCSqGSIb3DQEBCwUAA4IBAQCZyizlaKP4
PV1yiV+LAYMEoOEA2J8/fEgfnOfLB8ijsVFZBdLxdxodnidIMDmoymgOT7oljes+
mYxMuKzgyTdKuoqd8eV6ARg1AyQF+alPxobg9SdSZM//1Hh9MOFRDRfpRlaCOcTS
Qp4VHM7jvcdxopEMdk4IH+P7YVNyDbQGop71ZDNa84AmH38uL5rTseYfk/+v2O9G
IghRq/HJQtKYPL6rL9ZFlQTp6oqfhtM1PlJZ0Y0C+19IzLv/0KOVqM9HdxpuAXhe
PmPbawX9CmRqRdoHgOAASFqAVgvIUUzw3m7FfHYvoCH4wVaQmlbI0rsjtGidXpoO
wKo+Sdy4T6Rf
-----END CERTIFICATE-----
`;

/** The server certificate's private key (PEM). Public on purpose: never use it outside tests. */
export const TEST_SERVER_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDSKnVkN/MFvR0U
v0d/b7qUvWhCO+CAgOA/wpZcbTbCp64vqG/ozpoyjOq2mOJlsE+q9cJOu2GZqs60
RFJPhdnIVWrTAXTJ/Wl9b/RVPAY/fyVkVyKAKqdGK/Hglxpfcc5shkETfeS3ZK64
OpbF6WVqXAedMq9MJdESUoSaQpm0Vi4s35BovbDqWwoo0hDp0vOG53FfXkdilhsR
QT31mkpz6D+BCoCMwX5Tav6xSRqPvleyLxyhJEzXxrUxLRJ5jQGkSwCP8qysxNn3
M1rSUg5iPSH8SypxDqte7l7+NWjLZH73/DpqKHQzZI1GgamjEOOIH/ZiOklBUF0x
GddA8f03AgMBAAECggEAO2vAxCSjhAhbrA2G6AuNe9dvnmZyi7KkdLKOM7S3SmMB
dz0O4wpjA47fH+BrBmhKpiIVHZCSQFHQXpyAjzZfhGpOKTmcrS2GgW5BbUXq2FIZ
Ht0aBpXItKjhGuhuDvVM8VcmGB48p/OCCNmb3nomb+N0TahSctuwWJdXIYxaC+fc
iWA7wMCkA4eyWnodr4GmSDfylfBS1QahG+mMSgk2WrtmGBM5TZ3VI+30psNoufE/
AxspqoB07NkKV+Uf4Vd9nbV6eLus5jh09rRnCKvKSFoA+GSM79kXepUXeFhH/NeZ
kGCWEwvjaLRAqnJwlBEBaENPgbDPuAXXEmbT0Tzg5QKBgQD1ORmoKenHFgNB/m/2
GWXi4DOemRCcZlkw0+qRN9oslJoS/Ct/zgCiGx9JrnVmc1g4jMDkaBp7JpZmixiJ
MF3fyzErZBgkU8jDJma0JV/oLxK73cJwJwwac7jM9MM1kwQ1Y41+jUGsZMEqowxQ
ZNaexbRgaAq7Cucty5CSiE8/8wKBgQDbZvHfzd1DVTM0xrBT3Wa/Sq3YAyuRFvOL
Vpd5m5V9Uc6pztt1+XY1upki+1oONng/pmKHFoulssq0AJ2bIujBTOkdnI+bj1aN
b5ffE9y+BRJ3KZmrEMOKb8/5pkCFT+HsJNHJdLB6Y5dTbnPc8TJIjhqLpmN0snEE
dClgdmSirQKBgAoDTtzi+Ty71V44eXHfD5338aOkNF1ugG3R+V38ndf8KV5lFZGe
Y8A6w0hK61hHlW6ZsLai2ZH1vWZqf5H6e5rLvTI8YA/7q9LsGn14mTXt1iH9qBbU
QVZDK2STCfWCD0XuzrRAKFJVut120uXleC37fKYDGY0RoObpzPluv22pAoGAIY0e
k+EBYxiWWg3ATTLgUYR0DUJ+2RMvbzFwvJIETEPEXMdbXDEn2JOOc4EIhn/h56nk
C1BxToeG4/vsHhs6iMTgKT0V4O4MiFh2WxDIgu53om1kKHrJzFPI9B5uY3SR0fDX
e/0yN6UfMQ0E/taLn/jLKmvpbaEUE2BIK44vWYkCgYEAvtgys9VHSDC7oLEzstcB
kn+60kV12PMYVgVTZHtKmHGrj8ZhxttbQVaY7rHvj9vHdjK8f8PkZmT/sPP9Vokp
dGQeSJGDkG/tULddVZkQ7WHux0gHY8rUtzb3owvKBaqOXgKlPNOe/0VuJv+b18rU
yb/m+o0gSh9beStm0z9EMZA=
-----END PRIVATE KEY-----
`;
