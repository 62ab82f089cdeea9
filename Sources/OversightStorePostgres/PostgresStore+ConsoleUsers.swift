//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The schema of the console's users, API tokens, sessions and login throttle in the shared PostgreSQL (the
// implementation is `PostgresUserStore` in OversightConsolePostgres, which links the console's types).
//
//===----------------------------------------------------------------------===//

extension PostgresStore {
    /// Migration `v11-console-users`: the tables of `console.sqlite` (`user`, `api_token`, `session`) as
    /// `console_user`, `console_api_token` and `console_session`, and the login throttle's buckets
    /// (`console_login_throttle`), so that every coordinator sharing the database signs in the same users, honours the
    /// same tokens and sessions and counts the same failed logins. Passwords are bcrypt hashes; tokens and session ids
    /// are kept only as their SHA-256, the throttle's keys (username and client address) too.
    static let consoleUsersMigration = Migration(
        identifier: "v11-console-users",
        statements: [
            """
            CREATE TABLE console_user (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                username text NOT NULL UNIQUE,
                password_hash text NOT NULL,
                role text NOT NULL,
                providers text NOT NULL,
                disabled boolean NOT NULL DEFAULT false,
                created_at double precision NOT NULL,
                language text
            )
            """,
            """
            CREATE TABLE console_api_token (
                hash text PRIMARY KEY,
                user_id bigint NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
                name text NOT NULL,
                created_at double precision NOT NULL,
                expires_at double precision
            )
            """,
            """
            CREATE TABLE console_session (
                hash text PRIMARY KEY,
                user_id bigint NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
                csrf text NOT NULL,
                created_at double precision NOT NULL,
                expires_at double precision NOT NULL
            )
            """,
            "CREATE INDEX console_session_by_expiry ON console_session (expires_at)",
            """
            CREATE TABLE console_login_throttle (
                key text PRIMARY KEY,
                tokens double precision NOT NULL,
                updated_at double precision NOT NULL,
                locked_until double precision
            )
            """,
            "CREATE INDEX console_login_throttle_by_update ON console_login_throttle (updated_at)",
        ]
    )
}
