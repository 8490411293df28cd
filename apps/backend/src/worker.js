"use strict";
// A stand-in queue consumer for a worker app (`port: none`, `command: [node, worker.js]`): no
// socket, a loop that says it is alive, and a clean exit on SIGTERM.
const { setInterval, clearInterval } = require("timers");

const timer = setInterval(() => console.log(`worker tick ${new Date().toISOString()}`), 5000);
console.log("worker started");
process.on("SIGTERM", () => {
    clearInterval(timer);
    process.exit(0);
});
