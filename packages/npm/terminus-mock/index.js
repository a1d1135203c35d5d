// The ESM entry of terminus-mock's Node API: the functions of index.cjs (the implementation,
// CommonJS so that `require("terminus-mock")` works too, as in Jest's default setup).
import api from "./index.cjs";

export const { PLATFORM, binaryPath, start } = api;
export default api;
