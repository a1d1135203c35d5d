// terminus-mock's npm package under Jest's default setup: CommonJS, `require("terminus-mock")`,
// no transform of the package; Jest's globals.
const { start } = require("terminus-mock");
const suite = require("./suite.cjs");

suite({ test, expect, beforeAll, afterAll, beforeEach }, start, "jest");
