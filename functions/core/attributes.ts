import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { dynamoNumber } from "./numbers";

// Raw AttributeValues rather than lib-dynamodb's DocumentClient: the item shapes are small and
// fixed, numbers must be written in plain decimal (dynamoNumber), and the bench floor
// (scripts/bench/throughput.ts) sends the same inputs through the plain client.
export type Item = Record<string, AttributeValue>;

export const S = (v: string): AttributeValue => ({ S: v });
export const N = (v: number): AttributeValue => ({ N: dynamoNumber(v) });
