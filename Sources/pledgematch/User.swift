import ArgumentParser
import Foundation
import Logging
import PledgeCore
import PledgeServer
import PledgeStore
import PostgresNIO
#if canImport(Glibc)
import Glibc
#endif

/// `pledgematch user add`: creates accounts, the first administrator of a new install included.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users (用户).", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user.",
            discussion: """
                The password is read from the terminal (twice), or from standard input's first line when it is not \
                a terminal; --no-password makes an account that only uses API tokens (a machine client).
                Example: pledgematch user add --login admin --name 系统管理员 --role administrator
                """)

        @Option(help: "Login: 2–63 lower-case letters, digits or . _ -")
        var login: String

        @Option(help: "Display name.")
        var name: String

        @Option(help: "administrator, operations, bank_officer or analyst.")
        var role: String

        @Option(name: .customLong("bank-id"), help: "The bank of a bank officer.")
        var bankId: Int64?

        @Flag(name: .customLong("no-password"), help: "No password: the account signs in with API tokens only.")
        var noPassword = false

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("Unknown role '\(role)': administrator, operations, bank_officer or analyst.")
            }
            if (role == .bankOfficer) != (bankId != nil) {
                throw ValidationError("A bank officer needs --bank-id; other roles take none.")
            }
        }

        func run() async throws {
            let input: UserInput
            do {
                input = try UserInput(login: login, displayName: name, role: Role(rawValue: role)!, bankId: bankId,
                                      password: noPassword ? nil : try readPassword()).validated()
            } catch let failure as ValidationFailure {
                throw ValidationError(failure.errors.map { "\($0.field): \($0.zh) / \($0.en)" }.joined(separator: "\n"))
            }
            var hash: String?
            if let password = input.password { hash = try await Passwords.hash(password) }
            let (login, name, role, bankId, passwordHash) = (input.login, input.displayName, input.role, input.bankId, hash)
            let user = try await withMigratedDatabase(database, label: "pledgematch.user") { client, logger in
                try await Database(client).inRequestTransaction(.init(actor: "cli:\(login)", requestId: nil), logger: logger) { _ in
                    (try await UserRepository(client: client, logger: logger)
                        .create(login: login, displayName: name, role: role, bankId: bankId, passwordHash: passwordHash), true)
                }
            }
            print("Created user \(user.id) \(user.login) (\(user.role.zh) / \(user.role.rawValue))")
        }

        private func readPassword() throws -> String {
            if isatty(STDIN_FILENO) != 0 {
                guard let first = getpass("Password (密码, ≥ \(UserInput.minimumPasswordLength) characters): ").map({ String(cString: $0) }),
                      let second = getpass("Again (再次输入): ").map({ String(cString: $0) }), first == second else {
                    throw ValidationError("The passwords differ.")
                }
                return first
            }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("Pass the password on standard input, or use --no-password.")
            }
            return line
        }
    }
}

/// `pledgematch token create`: an API token for a machine client (a script, the contract test).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens (接口令牌).", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token for a user and print its secret (shown this once).")

        @Option(help: "The user the token acts as.")
        var login: String

        @Option(help: "What the token is for.")
        var name: String = "cli"

        @Option(help: "Days until it expires (1–366).")
        var days: Int = 90

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...366).contains(days) else { throw ValidationError("--days must be between 1 and 366.") }
        }

        func run() async throws {
            let (login, name, days) = (self.login, self.name, self.days)
            let secret = TokenSecret.make()
            try await withMigratedDatabase(database, label: "pledgematch.token") { client, logger in
                let users = UserRepository(client: client, logger: logger)
                guard let user = try await users.credentials(login: login)?.user else {
                    throw ValidationError("No enabled user '\(login)'.")
                }
                _ = try await users.createToken(userId: user.id, kind: "api", name: name, secret: secret,
                                                expiresAt: Date().addingTimeInterval(Double(days) * 86_400))
            }
            print(secret)
        }
    }
}

/// Runs `body` on the database, migrating the embedded one first (an external one must be migrated).
func withMigratedDatabase<T: Sendable>(_ options: DatabaseOptions, label: String,
                                       _ body: @Sendable @escaping (PostgresClient, Logger) async throws -> T) async throws -> T {
    let logger = try options.makeLogger(label)
    let db = try options.open(logger: logger)
    defer { db.close(logger: logger) }
    return try await withRunningClient(db.configuration, logger: logger) { client in
        let migrator = Migrator(client: client, migrations: try Migration.bundled(), logger: logger)
        if db.isEmbedded { try await migrator.migrate() }
        return try await body(client, logger)
    }
}
