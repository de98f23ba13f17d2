import path from "node:path";
import { expect } from "chai";
import { UsageError } from "../../lib/cli";
import { readSettings } from "../../local/settings";

describe("local mode settings", () => {
  const read = (argv: string[], env: NodeJS.ProcessEnv = {}) => readSettings(argv, env);
  const fails = (argv: string[], env: NodeJS.ProcessEnv, message: string) => expect(() => read(argv, env)).to.throw(UsageError, message);

  it("uses the documented defaults (docs/local-mode.md)", () => {
    expect(read([])).to.deep.equal({
      port: 3000,
      host: "127.0.0.1",
      dynamoPort: 8000,
      dataDir: path.resolve(".liveinsight"),
      endpoint: undefined,
      logMode: "human",
    });
  });

  it("reads every variable and both log flags", () => {
    const env = {
      PORT: "0",
      HOST: "0.0.0.0",
      DYNAMODB_PORT: "8123",
      LIVEINSIGHT_DATA_DIR: "/tmp/li",
      DYNAMODB_ENDPOINT: "http://db:8000/",
    };
    expect(read(["--quiet"], env)).to.deep.equal({
      port: 0,
      host: "0.0.0.0",
      dynamoPort: 8123,
      dataDir: "/tmp/li",
      endpoint: "http://db:8000",
      logMode: "quiet",
    });
    expect((read(["--json-logs"]) as { logMode: string }).logMode).to.equal("json");
  });

  it("answers --help without reading the environment", () => {
    expect(read(["--help"], { PORT: "nope" })).to.equal("help");
  });

  it("rejects unknown flags, stray words and contradicting flags with one sentence", () => {
    fails(["--port", "1"], {}, "Unknown option --port. Run with --help for the list of options.");
    fails(["start"], {}, "Unexpected argument start.");
    fails(["--quiet", "--json-logs"], {}, "--quiet and --json-logs contradict each other; pass one.");
  });

  it("names the variable of a bad port", () => {
    fails([], { PORT: "80a" }, 'PORT must be a port number from 0 to 65535; got "80a".');
    fails([], { DYNAMODB_PORT: "70000" }, 'DYNAMODB_PORT must be a port number from 0 to 65535; got "70000".');
    fails([], { PORT: "-1" }, 'PORT must be a port number from 0 to 65535; got "-1".');
  });

  it("accepts only an http(s) URL as DYNAMODB_ENDPOINT", () => {
    fails(
      [],
      { DYNAMODB_ENDPOINT: "localhost:8000" },
      'DYNAMODB_ENDPOINT must be an http(s) URL such as http://127.0.0.1:8000; got "localhost:8000".',
    );
    fails([], { DYNAMODB_ENDPOINT: "not a url" }, 'got "not a url"');
    expect((read([], { DYNAMODB_ENDPOINT: "https://dynamodb.local" }) as { endpoint: string }).endpoint).to.equal("https://dynamodb.local");
  });
});
