"use strict";
// A stand-in schema migration, run by stevedore's migration Job (`migrate: {command: [node, migrate.js]}`)
// with the new image before the roll. MIGRATE_FAIL makes it fail the way a broken migration does.

const source = process.env.STEVEDORE_SOURCE_HASH || "unknown";
console.log(`migrating the schema for build ${source}`);
if (process.env.MIGRATE_FAIL) {
    console.error(`migration 0042_orders failed: relation "orders" does not exist (${process.env.MIGRATE_FAIL})`);
    process.exit(1);
}
console.log("migration complete");
