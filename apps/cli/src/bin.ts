#!/usr/bin/env node
console.log("hygge: the CLI is not built yet");
