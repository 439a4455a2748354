export { EXIT, exitCodeFor } from "./exit.js";
export { candidates, type LoadedPlugin, loadPlugin, loadPlugins } from "./plugins/resolve.js";
export { main } from "./program.js";
export { findProject, PROJECT_FILES } from "./project/find.js";
export { type LoadedProject, loadProject } from "./project/load.js";
