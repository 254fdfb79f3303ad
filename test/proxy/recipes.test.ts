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

/** The TLS files the TLS recipes on the page name. */
const NGINX_TLS = { certificate: "/etc/nginx/tls/server.pem", key: "/etc/nginx/tls/server.key" } as const;
const HAPROXY_TLS = { pem: "/etc/haproxy/tls/server.pem" } as const;

/** The bodies of the fenced blocks of `language` in `markdown`, in order. */
function fencedBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map((match) => match[1]!);
}

describe("docs/PROXIES.md recipes", () => {
  const page = readFileSync(join(projectRoot(), "docs", "PROXIES.md"), "utf8");

  it("the nginx recipes (h2c, then TLS) are nginxConfig() with the page's example addresses", () => {
    expect(fencedBlocks(page, "nginx")).to.deep.equal([
      nginxConfig(EXAMPLE),
      nginxConfig({ ...EXAMPLE, listen: "0.0.0.0:443", tls: NGINX_TLS }),
    ]);
  });

  it("the haproxy recipes (h2c, then TLS) are haproxyConfig() with the page's example addresses", () => {
    expect(fencedBlocks(page, "haproxy")).to.deep.equal([
      haproxyConfig(EXAMPLE),
      haproxyConfig({ ...EXAMPLE, listen: "0.0.0.0:443", tls: HAPROXY_TLS }),
    ]);
  });

  it("the recipes carry no test-only lines (pid file, logs and temporary files in a temp dir)", () => {
    expect(nginxConfig(EXAMPLE)).to.not.match(/\bpid\b|_temp_path/);
    expect(nginxConfig({ ...EXAMPLE, runtimeDir: "/tmp/x" })).to.match(/pid \/tmp\/x\/nginx\.pid;/);
  });
});
