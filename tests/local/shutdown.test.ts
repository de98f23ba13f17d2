import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { expect } from "chai";
import { gracefulStopper } from "../../local/shutdown";

/** A server whose handler answers only when `release` is called, so a request stays in flight. */
async function slowServer() {
  const waiting: (() => void)[] = [];
  const server = http.createServer((_req, res) => waiting.push(() => res.writeHead(200, { "content-type": "text/plain" }).end("done")));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true });
  const get = () =>
    new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
        })
        .on("error", reject);
    });
  const inFlight = async (n: number) => {
    while (waiting.length < n) await new Promise((r) => setTimeout(r, 5));
  };
  return { server, port, agent, get, inFlight, release: () => waiting.splice(0).forEach((answer) => answer()) };
}

const closedWithin = (socket: net.Socket) => new Promise<void>((resolve) => socket.once("close", () => resolve()));

describe("graceful stop of the local API", () => {
  it("answers the in-flight request with connection: close, then stops", async () => {
    const s = await slowServer();
    const stopper = gracefulStopper(s.server, 10_000);
    const pending = s.get();
    await s.inFlight(1);
    const stopped = stopper.stop();
    s.release();
    expect(await pending).to.deep.equal({ status: 200, connection: "close", body: "done" });
    await stopped;
    expect(s.server.listening).to.equal(false);
    s.agent.destroy();
  });

  it("closes an idle keep-alive connection at once", async () => {
    const s = await slowServer();
    // A grace period longer than the test's timeout: the stop can only finish by closing the idle socket.
    const stopper = gracefulStopper(s.server, 600_000);
    const first = s.get();
    await s.inFlight(1);
    s.release();
    expect((await first).connection).to.equal("keep-alive");
    await stopper.stop();
    expect(s.server.listening).to.equal(false);
    s.agent.destroy();
  });

  it("refuses new connections once stopping", async () => {
    const s = await slowServer();
    const stopper = gracefulStopper(s.server, 10_000);
    const pending = s.get();
    await s.inFlight(1);
    const stopped = stopper.stop();
    const refused = await new Promise<string>((resolve) =>
      net
        .connect(s.port, "127.0.0.1")
        .once("error", (e: NodeJS.ErrnoException) => resolve(e.code!))
        .once("connect", () => resolve("connected")),
    );
    expect(refused).to.equal("ECONNREFUSED");
    s.release();
    await pending;
    await stopped;
    s.agent.destroy();
  });

  it("destroys a connection still busy after the grace period", async () => {
    const s = await slowServer();
    const stopper = gracefulStopper(s.server, 200);
    const socket = net.connect(s.port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    await s.inFlight(1);
    const closed = closedWithin(socket);
    await stopper.stop();
    await closed;
    expect(socket.destroyed).to.equal(true);
    expect(stopper.stopping).to.equal(true);
  });
});
