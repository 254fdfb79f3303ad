import { expect } from "chai";
import { Bitmap } from "../../../bench/lib/bitmap.js";
import { drawRatioChart } from "../../../bench/lib/chart.js";

describe("bench chart", () => {
  it("draws a PNG whose height grows with the rows", () => {
    const one = drawRatioChart("T", [{ label: "A", vsFloor: 0.9, vsGrpcJs: 2, targetVsFloor: 0.9 }]);
    const two = drawRatioChart(
      "T",
      [
        { label: "A", vsFloor: 0.9 },
        { label: "B", vsGrpcJs: 12 },
      ],
      "* NOTE",
    );
    expect(one.toString("latin1", 1, 4)).to.equal("PNG");
    expect(two.readUInt32BE(20)).to.be.greaterThan(one.readUInt32BE(20)); // IHDR height
  });
  it("draws text pixels in the given colour and leaves spaces blank", () => {
    const image = new Bitmap(20, 10);
    image.drawText("1 ", 0, 0, [0, 0, 0]);
    const dark = (x: number, y: number) => image.pixels[(y * 20 + x) * 3] === 0;
    expect(dark(2, 0)).to.equal(true); // top of the "1"
    expect([dark(1, 6), dark(3, 6), dark(0, 3), dark(4, 3)]).to.deep.equal([true, true, false, false]); // the "1"'s foot, not its sides
    expect([...Array(8).keys()].every((y) => [6, 7, 8, 9, 10].every((x) => !dark(x, y)))).to.equal(true);
    expect(Bitmap.textWidth("ab", 2)).to.equal(24);
  });
});
