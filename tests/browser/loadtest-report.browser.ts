/**
 * The load tester's --html report in headless Chromium: opened from a file with the network cut
 * off, uPlot (inlined) draws the three plots, each with its title and a canvas that holds pixels.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type Browser, chromium } from "playwright-core";
import { renderHtml } from "../../scripts/loadtest/html";
import { closedResult } from "../loadtest/fixtures";
import { CHROMIUM } from "./harness";

describe("load test HTML report in Chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  });
  after(async () => browser?.close());

  it("draws latency over time, the latency histogram and throughput over time, offline and without errors", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lt-html-")), "report.html");
    writeFileSync(file, renderHtml(closedResult()));
    const context = await browser.newContext({ offline: true });
    const page = await context.newPage();
    const problems: string[] = [];
    const fetched: string[] = [];
    page.on("console", (message) => problems.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("request", (request) => fetched.push(request.url()));
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => document.querySelectorAll(".uplot canvas").length === 3);
    const plots = await page.$$eval(".uplot", (charts) =>
      charts.map((chart) => {
        const canvas = chart.querySelector("canvas")!;
        const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        // Pixels in the first series' colour (#4e79a7): the data itself, not just the axes and grid.
        let drawn = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (Math.abs(pixels[i] - 0x4e) + Math.abs(pixels[i + 1] - 0x79) + Math.abs(pixels[i + 2] - 0xa7) < 24 && pixels[i + 3] > 200)
            drawn++;
        }
        return {
          title: chart.querySelector(".u-title")?.textContent,
          drawn,
          legend: [...chart.querySelectorAll(".u-legend .u-label")].map((l) => l.textContent),
        };
      }),
    );
    expect(plots.map((p) => [p.title, p.legend])).to.deep.equal([
      ["Latency over time (per second of completion)", ["seconds since start", "p50", "p99", "max"]],
      ["Latency histogram (the last bar holds everything above p99.5)", ["latency (ms)", "requests"]],
      ["Throughput over time", ["seconds since start", "events/s acknowledged", "errors/s"]],
    ]);
    for (const plot of plots) expect(plot.drawn, plot.title ?? "").to.be.greaterThan(50);
    expect(problems).to.deep.equal([]);
    expect(fetched).to.deep.equal([`file://${file}`]);
    await context.close();
  });
});
