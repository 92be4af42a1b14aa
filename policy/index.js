"use strict";
// The pack's `main`. Published, the package holds the JavaScript that `npm pack` compiled into bin/ (the prepack
// script) and no TypeScript, so an enforcing stack runs it without a compiler. In this repository, where the
// sources are, the Pulumi CLI compiles index.ts itself, so a preview runs what developers edit.
const { existsSync } = require("node:fs");
const { join } = require("node:path");

require(existsSync(join(__dirname, "index.ts")) ? "./index.ts" : "./bin/index.js");
