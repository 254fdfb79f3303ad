// examples/auth runs: the workload gets in by mTLS, the user by token but not to Refund, the
// anonymous caller not at all; a rotation changes none of it.
import { expect } from "chai";
import { runAuthExample } from "../../examples/auth/main.js";

describe("examples/auth", () => {
  it("lets each caller in as far as it may go", async () => {
    expect(await runAuthExample()).to.deep.equal([
      "workload refund: ok for spiffe://tsgrpc.test/ns/billing/sa/client",
      "user charge: ok for user:ada",
      "user refund: PermissionDenied auth: /billing.Billing/Refund needs the billing-admin role",
      "anonymous charge: Unauthenticated auth: no authorization metadata and no client certificate",
      "rotated the server certificate",
      "workload charge: ok for spiffe://tsgrpc.test/ns/billing/sa/client",
      "anonymous charge: Unauthenticated auth: no authorization metadata and no client certificate",
    ]);
  });
});
