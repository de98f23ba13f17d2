// Lambda sizing rules: memory and timeout within the stack's range. Both can remediate: with
// enforcementLevel "remediate" they clamp the input into the allowed range instead of failing.
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { AWS_DEFAULTS, TYPES } from "./lib/aws";
import { integerProperty, readConfig } from "./lib/config";
import { checkRange, clamp, effectiveValue, RangeCheck, subject } from "./lib/messages";
import { Props, remediateTypes, validateTypes } from "./lib/resources";

const FUNCTION = [TYPES.lambdaFunction];
const functionSubject = (name: string) => subject("Lambda function", name);

interface MemoryConfig { minMemoryMb: number; maxMemoryMb: number }
const memorySchema: PolicyConfigSchema = {
    properties: {
        minMemoryMb: integerProperty(128, 128, 10240, "Smallest memorySize allowed (MB)."),
        maxMemoryMb: integerProperty(3008, 128, 10240, "Largest memorySize allowed (MB)."),
    },
};

function memoryCheck(props: Props, name: string, c: MemoryConfig): RangeCheck {
    return {
        subject: functionSubject(name), field: "memorySize", value: props.memorySize, unit: " MB",
        awsDefault: AWS_DEFAULTS.lambdaMemoryMb, min: c.minMemoryMb, max: c.maxMemoryMb,
    };
}

export const lambdaMemoryRange: ResourceValidationPolicy = {
    name: "lambda-function-memory-range",
    description: "Checks that every Lambda function's memorySize is within the configured range.",
    enforcementLevel: "mandatory",
    configSchema: memorySchema,
    validateResource: validateTypes(FUNCTION, (props, args, report) => {
        const message = checkRange(memoryCheck(props, args.name, readConfig(memorySchema, args)));
        if (message) report(message);
    }),
    remediateResource: remediateTypes(FUNCTION, (props, args) => {
        const c = readConfig<MemoryConfig>(memorySchema, args);
        return clampField(props, "memorySize", memoryCheck(props, args.name, c));
    }),
};

interface TimeoutConfig { minTimeoutSeconds: number; maxTimeoutSeconds: number }
const timeoutSchema: PolicyConfigSchema = {
    properties: {
        minTimeoutSeconds: integerProperty(1, 1, 900, "Shortest timeout allowed (seconds)."),
        maxTimeoutSeconds: integerProperty(29, 1, 900, "Longest timeout allowed (seconds)."),
    },
};

function timeoutCheck(props: Props, name: string, c: TimeoutConfig): RangeCheck {
    return {
        subject: functionSubject(name), field: "timeout", value: props.timeout, unit: " s",
        awsDefault: AWS_DEFAULTS.lambdaTimeoutSeconds, min: c.minTimeoutSeconds, max: c.maxTimeoutSeconds,
    };
}

export const lambdaTimeoutRange: ResourceValidationPolicy = {
    name: "lambda-function-timeout-range",
    description: "Checks that every Lambda function's timeout is within the configured range.",
    enforcementLevel: "mandatory",
    configSchema: timeoutSchema,
    validateResource: validateTypes(FUNCTION, (props, args, report) => {
        const message = checkRange(timeoutCheck(props, args.name, readConfig(timeoutSchema, args)));
        if (message) report(message);
    }),
    remediateResource: remediateTypes(FUNCTION, (props, args) => {
        const c = readConfig<TimeoutConfig>(timeoutSchema, args);
        return clampField(props, "timeout", timeoutCheck(props, args.name, c));
    }),
};

/** Sets props[field] to the effective value clamped into range; undefined when nothing changes. */
function clampField(props: Props, field: string, check: RangeCheck): Props | undefined {
    const value = effectiveValue(check);
    if (value === undefined) {
        return undefined;
    }
    const clamped = clamp(value, check.min, check.max);
    if (clamped === value) {
        return undefined;
    }
    props[field] = clamped;
    return props;
}
