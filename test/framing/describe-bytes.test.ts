import { expect } from "chai";
import { describeBytes } from "../../src/framing/index.js";

describe("describeBytes", () => {
  const cases: [number, string][] = [
    [0, "0 bytes"],
    [1023, "1023 bytes"],
    [1024, "1024 bytes (1 KiB)"],
    [1500, "1500 bytes (1.5 KiB)"],
    [4194304, "4194304 bytes (4 MiB)"],
    [5242880, "5242880 bytes (5 MiB)"],
    [123456789, "123456789 bytes (118 MiB)"],
    [4294967295, "4294967295 bytes (4 GiB)"],
    [Infinity, "Infinity bytes"],
  ];
  for (const [bytes, text] of cases) it(`${bytes} reads ${text}`, () => expect(describeBytes(bytes)).to.equal(text));
});
