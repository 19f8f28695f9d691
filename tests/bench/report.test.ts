import * as assert from "node:assert/strict";
import { readmeEndMarker, readmeStartMarker, replaceBenchRegion, textTable } from "../../bench/report";

describe("bench report", () => {
  it("replaces only what lies between the README's bench markers", () => {
    const readme = `# Title\n\n${readmeStartMarker}\nold table\n${readmeEndMarker}\n\n## After\n`;
    const updated = replaceBenchRegion(readme, "new table");
    assert.equal(updated, `# Title\n\n${readmeStartMarker}\nnew table\n${readmeEndMarker}\n\n## After\n`);
    assert.equal(replaceBenchRegion(updated, "new table"), updated);
    assert.throws(() => replaceBenchRegion("# no markers\n", "x"), /no <!-- bench:start -->/);
  });

  it("pads columns to their widest cell", () => {
    assert.equal(
      textTable(
        ["name", "n"],
        [
          ["a", "10"],
          ["bcd", "2"],
        ],
      ),
      "name   n\n----  --\na     10\nbcd    2",
    );
  });
});
