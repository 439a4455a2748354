#!/usr/bin/env node
import { main } from "./program.js";

const code = await main(process.argv);
// Plugins may keep worker threads or sockets alive; everything was flushed and closed by now.
process.exit(code);
