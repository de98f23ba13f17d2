import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataInput, type GetMetricDataOutput } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";

/**
 * A real CloudWatchClient (the SDK's paginator accepts nothing else) whose send answers from fixed
 * pages keyed by the NextToken it is asked for, and records every input; nothing reaches the network.
 * A page given as an Error is thrown instead.
 */
export function stubCloudWatch(pages: Record<string, GetMetricDataOutput | Error>): CloudWatchClient & { inputs: GetMetricDataInput[] } {
  const client = new CloudWatchClient({ region: "eu-west-1", credentials: { accessKeyId: "stub", secretAccessKey: "stub" } });
  const inputs: GetMetricDataInput[] = [];
  client.send = (async (command: GetMetricDataCommand) => {
    expect(command).to.be.instanceOf(GetMetricDataCommand);
    inputs.push({ ...command.input });
    const page = pages[command.input.NextToken ?? "first"];
    if (!page) throw new Error(`unexpected NextToken ${command.input.NextToken}`);
    if (page instanceof Error) throw page;
    return page;
  }) as CloudWatchClient["send"];
  return Object.assign(client, { inputs });
}
