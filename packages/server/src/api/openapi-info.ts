/** The top of the OpenAPI document; paths and schemas come from the route definitions. */
export function openApiInfo() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Emivoy API',
      version: '1.0.0',
      description:
        'Register entities and contacts, write templates and policies, then post events: Emivoy matches policies, renders templates and delivers mail through your own provider.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the document describes whichever server serves it.
    servers: [{ url: '/', description: 'This Emivoy server' }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http' as const,
          scheme: 'bearer',
          description:
            'An API key: `Authorization: Bearer em_live_…` (or em_test_…); or, when the ' +
            'server is set up for Clerk, a Clerk session token',
        },
        sessionCookie: {
          type: 'apiKey' as const,
          in: 'cookie' as const,
          name: 'emivoy_session',
          description:
            "The console's session, set by sign-up and sign-in. Writes also need the " +
            "session's csrf_token in the X-CSRF-Token header.",
        },
      },
    },
    security: [{ apiKey: [] }, { sessionCookie: [] }] as Array<Record<string, string[]>>,
    tags: [
      { name: 'events', description: 'Facts your application posts; they start policy runs' },
      { name: 'entities', description: 'Your domain objects, keyed by your own external_id' },
      { name: 'contacts', description: 'People attached to an entity with a role' },
      { name: 'templates', description: 'Email subject and bodies in Liquid' },
      { name: 'policies', description: 'Event types mapped to steps' },
      { name: 'api-keys', description: 'Secrets for server-to-server calls' },
      { name: 'usage', description: "This month's events against the plan" },
      { name: 'auth', description: "The console's sign-up, sign-in and session" },
      { name: 'accounts', description: 'Accounts (tenants) a signed-in user owns' },
      { name: 'members', description: 'People with access to an account' },
      { name: 'operations', description: 'Health and readiness probes' },
    ],
  };
}
