import ArgumentParser
import Logging
import PledgeServer
import PledgeStore

@main
struct PledgeMatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pledgematch",
        abstract: "Match firms' intellectual property with IP-pledge loans (知识产权质押融资·涪知贷) and track lending.",
        discussion: """
            With no DATABASE_URL, every command uses a private PostgreSQL cluster under --data-dir, created on \
            first use from the system's PostgreSQL (apt-get install postgresql).
            Environment: DATABASE_URL, PLEDGEMATCH_DATA, HOST, PORT, LOG_LEVEL.
            """,
        subcommands: [Serve.self, Migrate.self, Seed.self, UserCommand.self, TokenCommand.self, Report.self,
                      ImportCommand.self, ExportCommand.self, Backup.self, Restore.self, Bench.self],
        defaultSubcommand: Serve.self)

    /// As ArgumentParser's own, but a database error is printed with the server's message.
    static func main() async {
        LoggingSystem.bootstrap(LineLogHandler.standardError)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: DatabaseErrorText.readable(error))
        }
    }
}
