// The --html report as a document: self-contained (uPlot's script and CSS inlined, nothing fetched),
// the verdict and figures up front, and the three plot specs uPlot draws. Chromium draws them in
// tests/browser/loadtest-report.browser.ts.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { plotSpecs, renderHtml } from "../../scripts/loadtest/html";
import { closedResult } from "./fixtures";

const uplotFile = (name: string) => readFileSync(require.resolve(`uplot/dist/${name}`), "utf8");

/** The bodies of the page's <script> elements. */
const scripts = (html: string) => [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attributes: m[1], body: m[2] }));

describe("loadtest HTML report", () => {
  const result = closedResult();
  const html = renderHtml(result);

  it("is one document that fetches nothing: uPlot's script and CSS are inlined", () => {
    expect(html.startsWith("<!doctype html>")).to.equal(true);
    expect(html).to.not.match(/<link|<img|<iframe|@import|url\(|src=/i);
    expect(html).to.contain(`<style>${uplotFile("uPlot.min.css")}</style>`);
    const bodies = scripts(html).map((s) => s.body);
    expect(bodies).to.have.length(3);
    expect(bodies[1]).to.equal(uplotFile("uPlot.iife.min.js"));
    expect(bodies[2]).to.contain("new uPlot(");
  });

  it("embeds the three plot specs: latency over time, the latency histogram, throughput over time", () => {
    const [json] = scripts(html);
    expect(json.attributes).to.equal(' type="application/json" id="plot-specs"');
    const specs = JSON.parse(json.body);
    expect(specs).to.deep.equal(plotSpecs(result));
    expect(specs.map((p: { title: string; axes: string[]; series: string[] }) => [p.title, p.axes, p.series])).to.deep.equal([
      ["Latency over time (per second of completion)", ["seconds since start", "latency (ms)"], ["p50", "p99", "max"]],
      ["Latency histogram (the last bar holds everything above p99.5)", ["latency (ms)", "requests"], ["requests"]],
      ["Throughput over time", ["seconds since start", "per second"], ["events/s acknowledged", "errors/s"]],
    ]);
    // x is the end of each second; one y array per series, from the timeline and the histogram
    expect(specs[0].data).to.deep.equal([
      [1, 2],
      [10, 30],
      [20, 40],
      [20, 40],
    ]);
    // 1 ms bins and one edge past the last, so the last bar has a width too
    expect(specs[1].data[0]).to.deep.equal(Array.from({ length: 41 }, (_, i) => i));
    expect(specs[1].data[1]).to.deep.equal([...result.latency_histogram.counts, null]);
    expect(specs[1].bars).to.equal(true);
    expect(specs[2].data).to.deep.equal([
      [1, 2],
      [4, 2],
      [0, 2],
    ]);
  });

  it("leads with the SLO verdict and the figures", () => {
    expect(html).to.contain('<h1><span class="fail">FAIL</span> LiveInsight load test</h1>');
    expect(html).to.contain("<tr><td>FAIL</td><td>p99 latency &#60;= 25 ms</td><td>40.0 ms</td></tr>");
    expect(html).to.contain("<tr><td>success rate</td><td>60%</td></tr>");
    expect(html).to.contain("<tr><td>503</td><td>1</td></tr>");
    expect(renderHtml(closedResult([]))).to.contain('<span class="pass">PASS</span>');
  });

  it("escapes text taken from the target URL, and nothing in the plot data can close its script element", () => {
    const hostile = { ...result, target: "http://127.0.0.1:3000/events?</script><script>alert(1)" };
    const page = renderHtml(hostile);
    expect(page).to.contain("events?&#60;/script&#62;&#60;script&#62;alert(1)").and.not.contain("<script>alert(1)");
    expect(scripts(page)).to.have.length(3);
  });
});
