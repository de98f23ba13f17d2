import { expect } from "chai";
import { requestBody, SITE, sessionIdFromResponse, TrafficGenerator } from "../../scripts/lib/event-generator";
import { createRng } from "../../scripts/lib/rng";

// docs/api.md field rules the API validates.
const EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

const generator = (sessions = 3, seed = 42) => new TrafficGenerator({ sessions, seed, runId: "ab12cd34" });

describe("loadtest traffic", () => {
  it("produces events the API accepts: valid type, ids, absolute page URL, timestamp, user agent", () => {
    const traffic = generator();
    const visitor = traffic.acquire();
    for (const event of traffic.nextEvents(visitor, 100, NOW)) {
      expect(event.event_type).to.match(EVENT_TYPE);
      expect(event.event_id).to.match(ID);
      expect(event.session_id).to.match(ID);
      expect(event.user_id).to.match(ID);
      expect(event.page_url.startsWith(`${SITE}/`)).to.equal(true);
      expect(event.user_agent).to.have.length.within(1, 512);
      expect(Number.isInteger(event.timestamp)).to.equal(true);
      expect(Object.keys(event.properties ?? {}).length).to.be.at.most(20);
    }
  });

  it("lands with a page_view, keeps the visitor's ids, and uses the previous page as the referrer when navigating", () => {
    const traffic = generator();
    const visitor = traffic.acquire();
    const events = traffic.nextEvents(visitor, 200, NOW);
    expect(events[0].event_type).to.equal("page_view");
    expect(new Set(events.map((e) => e.session_id))).to.deep.equal(new Set(["lt_ab12cd34_s0"]));
    expect(new Set(events.map((e) => e.user_id))).to.deep.equal(new Set(["lt_ab12cd34_u0"]));
    for (let i = 1; i < events.length; i++) {
      if (events[i].event_type === "page_view") expect(events[i].referrer).to.equal(events[i - 1].page_url);
      else expect(events[i].page_url).to.equal(events[i - 1].page_url);
    }
    const types = new Set(events.map((e) => e.event_type));
    for (const type of ["page_view", "click", "heartbeat"]) expect(types.has(type), type).to.equal(true);
  });

  it("gives every event its generator's site: local mode's site by default, or the one given", () => {
    const sites = (siteId?: string) => {
      const traffic = new TrafficGenerator({ sessions: 3, seed: 5, runId: "s", siteId });
      return new Set(traffic.visitors.flatMap((v) => traffic.nextEvents(v, 4, 1_700_000_000_000).map((e) => e.site_id)));
    };
    expect([...sites()]).to.deep.equal(["local"]);
    expect([...sites("shop")]).to.deep.equal(["shop"]);
  });

  it("gives every event a unique id and spaces a batch 100 ms apart ending now", () => {
    const traffic = generator();
    const events = [...traffic.nextEvents(traffic.acquire(), 3, NOW), ...traffic.nextEvents(traffic.acquire(), 2, NOW)];
    expect(events.map((e) => e.event_id)).to.deep.equal([
      "lt_ab12cd34_e0",
      "lt_ab12cd34_e1",
      "lt_ab12cd34_e2",
      "lt_ab12cd34_e3",
      "lt_ab12cd34_e4",
    ]);
    expect(events.map((e) => NOW - e.timestamp)).to.deep.equal([200, 100, 0, 100, 0]);
  });

  it("repeats the same behaviour for the same seed", () => {
    const shape = (seed: number) => {
      const traffic = generator(2, seed);
      return traffic.nextEvents(traffic.acquire(), 30, NOW).map((e) => `${e.event_type} ${e.page_url}`);
    };
    expect(shape(9)).to.deep.equal(shape(9));
    expect(shape(9)).to.not.deep.equal(shape(10));
  });

  it("hands out idle visitors first and overlaps only when all are busy", () => {
    const traffic = generator(2);
    const a = traffic.acquire();
    const b = traffic.acquire();
    expect([a.index, b.index]).to.deep.equal([0, 1]);
    expect(traffic.acquire().index).to.equal(0); // all busy: round-robin
    traffic.release(b, null);
    expect(traffic.acquire().index).to.equal(1);
  });

  it("adopts the session id the server returns, single or batch, and counts the adoptions", () => {
    const traffic = generator(1);
    const visitor = traffic.acquire();
    traffic.release(visitor, { message: "Event processed successfully", event_id: "e", session_id: "lt_ab12cd34_s0" });
    expect([visitor.sessionId, traffic.sessionsAdopted]).to.deep.equal(["lt_ab12cd34_s0", 0]);
    traffic.release(traffic.acquire(), { session_id: "sess_1736942400000_0a1b2c3d" });
    expect(visitor.sessionId).to.equal("sess_1736942400000_0a1b2c3d");
    traffic.release(traffic.acquire(), { accepted: 2, session_ids: ["sess_1736942400000_0a1b2c3d", "sess_1736942500000_ffffffff"] });
    expect([visitor.sessionId, traffic.sessionsAdopted]).to.deep.equal(["sess_1736942500000_ffffffff", 2]);
    expect(traffic.nextEvents(traffic.acquire(), 1, NOW)[0].session_id).to.equal("sess_1736942500000_ffffffff");
  });

  it("ignores bodies without a usable session id", () => {
    for (const body of [null, "x", {}, { session_id: "" }, { session_ids: [] }, { session_ids: [1, null] }]) {
      expect(sessionIdFromResponse(body)).to.equal(null);
    }
  });

  it("sends one event as a bare object and several as {events: [...]}", () => {
    const traffic = generator();
    const [one] = traffic.nextEvents(traffic.acquire(), 1, NOW);
    expect(JSON.parse(requestBody([one]))).to.deep.equal(one);
    expect(JSON.parse(requestBody([one, one]))).to.deep.equal({ events: [one, one] });
  });

  it("draws uniformly in [0, 1) from the seeded generator", () => {
    const random = createRng(1);
    const draws = Array.from({ length: 10_000 }, random);
    expect(Math.min(...draws)).to.be.at.least(0);
    expect(Math.max(...draws)).to.be.below(1);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).to.be.closeTo(0.5, 0.02);
  });
});
