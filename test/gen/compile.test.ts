// Compile tests: generated code (importing "tsgrpc" as an installed package would) compiles under
// strict, noUncheckedIndexedAccess and exactOptionalPropertyTypes with module nodenext (in an ESM
// and in a CommonJS package), node16 and bundler; the nodenext builds also run.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateFiles, loadProtos } from "../../src/gen/index.js";
import { projectRoot } from "../project-root.js";
import { GOLDEN_PROTOS, PROTO_DIR } from "./golden-protos.js";

const ROOT = projectRoot();
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

/** A program using the generated code as a user would: encode, decode, a typed server and client. */
const USE = `import { Channel, Server, createClient } from "tsgrpc";
import { timestampFromDate } from "tsgrpc/wkt";
import { Color, Shapes, Shop } from "./gen/demo/v1/shapes_pb.js";
import { Loose } from "./gen/nopkg_pb.js";

const bytes = Shapes.encode({ packedInts: [1, -2], byName: { a: 1 }, choice: { case: "text", value: "hi" }, at: timestampFromDate(new Date(0)) });
const decoded = Shapes.decode(bytes);
const total: number = decoded.packedInts.reduce((sum, each) => sum + each, 0);
const loose = Loose.decode(Loose.encode({ color: Color.COLOR_GREEN, scalars: { aInt64: 5n } }));
const server = new Server();
server.add(Shop, {
  getItem: (request) => ({ packedInts: [request.aInt32] }),
  async *listItems() {},
  upload: async () => ({}),
  async *chat() {},
});
export const make = (channel: Channel) => createClient(Shop, channel);
console.log(JSON.stringify({ total, text: decoded.choice.case === "text" ? decoded.choice.value : "", color: loose.color, int64: String(loose.scalars?.aInt64) }));
`;

const SETTINGS = [
  { name: "nodenext, ESM package", module: "nodenext", moduleResolution: "nodenext", type: "module", run: true },
  { name: "nodenext, CommonJS package", module: "nodenext", moduleResolution: "nodenext", type: "commonjs", run: true },
  { name: "node16, ESM package", module: "node16", moduleResolution: "node16", type: "module", run: false },
  { name: "bundler", module: "esnext", moduleResolution: "bundler", type: "module", run: false },
] as const;

describe("gen: generated code compiles under every module setting", function () {
  this.timeout(180_000);
  let dir: string;
  const { root, files, requested } = loadProtos(
    GOLDEN_PROTOS.map((name) => join(PROTO_DIR, name)),
    [PROTO_DIR],
  );
  const generated = generateFiles(root, files, requested);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsgrpc-gen-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules/tsgrpc"), "dir");
    symlinkSync(join(ROOT, "node_modules/@types"), join(dir, "node_modules/@types"), "dir");
    for (const file of generated) {
      mkdirSync(dirname(join(dir, "gen", file.path)), { recursive: true });
      writeFileSync(join(dir, "gen", file.path), file.content);
    }
    writeFileSync(join(dir, "use.ts"), USE);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const setting of SETTINGS) {
    it(setting.name, () => {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user", private: true, type: setting.type }));
      const compilerOptions = {
        target: "ES2022",
        lib: ["ES2022"],
        module: setting.module,
        moduleResolution: setting.moduleResolution,
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        noImplicitReturns: true,
        noPropertyAccessFromIndexSignature: true,
        skipLibCheck: true,
        types: ["node"],
        outDir: "out",
      };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["use.ts", "gen/**/*.ts"] }));
      try {
        execFileSync(process.execPath, [TSC, "-p", dir], { cwd: dir, encoding: "utf8", stdio: "pipe" });
      } catch (error) {
        const { stdout, stderr } = error as { stdout: string; stderr: string };
        expect.fail(`tsc failed under ${setting.name}:\n${stdout}${stderr}`);
      }
      if (!setting.run) return;
      const output = execFileSync(process.execPath, [join(dir, "out/use.js")], { cwd: dir, encoding: "utf8" });
      expect(JSON.parse(output)).to.deep.equal({ total: -1, text: "hi", color: 2, int64: "5" });
    });
  }
});
