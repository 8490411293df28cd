/** Tags on everything stevedore creates in Azure, so a portal user can tell who owns it. */
export const TAGS = { "managed-by": "stevedore" };
