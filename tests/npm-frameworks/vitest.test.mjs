// terminus-mock's npm package under Vitest: ESM, `import { start } from "terminus-mock"`.
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { start } from "terminus-mock";
import suite from "./suite.cjs";

suite({ test, expect, beforeAll, afterAll, beforeEach }, start, "vitest");
