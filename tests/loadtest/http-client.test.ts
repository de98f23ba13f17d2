// The tools' keep-alive client (scripts/lib/http-client.ts) over a real socket: it closes an idle
// socket before the server's keep-alive timeout, so a request never lands on a socket the server
// is closing (the ECONNRESET race).
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { expect } from "chai";
import { createHttpTransport } from "../../scripts/lib/http-client";

describe("the tools' HTTP client", function () {
  this.timeout(20_000);
  let server: http.Server;
  let url: string;
  const connections: Socket[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"message":"ok"}'));
    });
    // Node announces this as `Keep-Alive: timeout=3`; the client must give up an idle socket before it.
    server.keepAliveTimeout = 3000;
    server.on("connection", (socket: Socket) => void connections.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reuses a busy socket, and closes an idle one itself 1 s before the server's announced keep-alive timeout", async () => {
    const transport = createHttpTransport(url, 4, 10_000);
    try {
      expect((await transport.send("{}")).status).to.equal("200");
      expect((await transport.send("{}")).status).to.equal("200");
      expect(connections).to.have.length(1);
      // Past the client's 2 s (3 s hint − 1 s), before the server's 3 s: a FIN by now came from the client.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(connections[0].readableEnded).to.equal(true);
      expect((await transport.send("{}")).status).to.equal("200");
      expect(connections).to.have.length(2);
    } finally {
      transport.close();
    }
  });
});
