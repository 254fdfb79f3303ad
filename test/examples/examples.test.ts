/**
 * The examples run as a user runs them (`npm start`, `npm run example:route-guide`: node on the
 * compiled main.js, PORT=0) and print what they promise: every call kind, the errors, metadata,
 * compression and TLS of the route guide.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../project-root.js";

const DIST = join(projectRoot(), "dist");

/** Runs `script` with node until it exits (killed after 60 s); resolves with its exit code and output. */
function runExample(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(DIST, script)], { env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("examples", function () {
  this.timeout(90_000);

  it("helloworld (npm start): a Greeter server and a client that prints the reply, exit 0", async () => {
    const { code, stdout, stderr } = await runExample("examples/helloworld/main.js");
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/^server: Greeter listening on 127\.0\.0\.1:\d+$/m);
    expect(stdout).to.include('client: received "Hello world"');
    expect(stdout).to.match(/^server: stopped$/m);
  });

  it("route-guide (npm run example:route-guide): the four call kinds over TLS with deadlines, cancellation, metadata, a rich error and gzip", async () => {
    const { code, stdout, stderr } = await runExample("examples/route-guide/main.js");
    expect(code, `${stdout}\n${stderr}`).to.equal(0);
    const lines = stdout.split("\n");
    const expected = [
      /^server: RouteGuide listening on 127\.0\.0\.1:\d+ \(TLS/,
      /^client: GetFeature\(40\.7838,-74\.6144\) -> "Lighthouse on the north cape" \(server knows 6 features\)$/,
      /^client: GetFeature\(0,0\) -> no feature there$/,
      /^client: GetFeature off the map -> InvalidArgument: route guide: point is off the map; BadRequest point\.latitude: 950000000 is outside ±90° \(E7\)$/,
      /^client: ListFeatures -> 6 features, 6 arrived gzip-compressed, trailer says 6 sent$/,
      /^client: slow ListFeatures with a 500 ms deadline -> DeadlineExceeded: /,
      /^server: ListFeatures stopped after \d+ features? \(DEADLINE_EXCEEDED/,
      /^client: first feature "Lighthouse on the north cape", cancelling the rest$/,
      /^client: cancelled ListFeatures -> Cancelled: /,
      /^server: ListFeatures stopped after \d+ features? \(CANCELLED/,
      /^client: RecordRoute\(4 points\) -> 4 points, 4 features, \d+ m \(request compressed: true\)$/,
      /^client: RouteChat\(4 notes\) -> "first at here"@1\.0000,1\.0000, "first at there"@2\.0000,2\.0000$/,
      /^server: stopped$/,
    ];
    for (const pattern of expected)
      expect(
        lines.some((line) => pattern.test(line)),
        `no line matches ${pattern}\n${stdout}`,
      ).to.be.true;
    expect(stdout).to.not.include("unexpectedly");
  });
});
