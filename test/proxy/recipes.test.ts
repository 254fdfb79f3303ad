// docs/PROXIES.md shows the configs the proxy tests run: the same templates, rendered with the
// example addresses the page uses. Regenerate a block by rendering the template with those values.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../project-root.js";
import { haproxyConfig } from "./haproxy-config.js";
import { nginxConfig } from "./nginx-config.js";

/** The addresses the recipes on the page use. */
const EXAMPLE = { listen: "0.0.0.0:8080", backends: ["10.0.0.11:50051", "10.0.0.12:50051"] } as const;

/** The body of the first fenced block of `language` in `markdown`. */
function fencedBlock(markdown: string, language: string): string | undefined {
  return new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "m").exec(markdown)?.[1];
}

describe("docs/PROXIES.md recipes", () => {
  const page = readFileSync(join(projectRoot(), "docs", "PROXIES.md"), "utf8");

  it("the nginx recipe is nginxConfig() with the page's example addresses", () => {
    expect(fencedBlock(page, "nginx")).to.equal(nginxConfig(EXAMPLE));
  });

  it("the haproxy recipe is haproxyConfig() with the page's example addresses", () => {
    expect(fencedBlock(page, "haproxy")).to.equal(haproxyConfig(EXAMPLE));
  });

  it("the recipes carry no test-only lines (pid file, logs and temporary files in a temp dir)", () => {
    expect(nginxConfig(EXAMPLE)).to.not.match(/\bpid\b|_temp_path/);
    expect(nginxConfig({ ...EXAMPLE, runtimeDir: "/tmp/x" })).to.match(/pid \/tmp\/x\/nginx\.pid;/);
  });
});
