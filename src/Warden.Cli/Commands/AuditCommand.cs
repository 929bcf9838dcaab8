using Warden.Cli.Commands.Audit;

namespace Warden.Cli.Commands;

/// <summary><c>warden audit verify|export</c>: checks or exports the tamper-evident audit trail.</summary>
internal sealed class AuditCommand : ICliCommand
{
    public string Name => "audit";

    public string Summary => "verify the audit hash chain, or export it as JSONL";

    public async Task<int> RunAsync(string[] args, CliContext context)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            await context.Out.WriteLineAsync("""
                usage: warden audit verify [--data-dir DIR | --postgres CONN] [--public-key FILE]
                       warden audit export [--data-dir DIR | --postgres CONN] [--agent A] [--user U] [--task T]
                                           [--decision D] [--provider P] [--type T] [--from ISO8601] [--to ISO8601]
                                           [--after SEQ] [--out FILE]
                  --data-dir   Warden's data directory (SQLite audit.db and the signing key); default Warden:DataDirectory, else ./.warden
                  --postgres   PostgreSQL connection string (audit tables in the search path)
                  --public-key checkpoint public key PEM (default: DIR/audit-signing-key.pub.pem)
                verify exits 0 when the chain and every checkpoint verify, 1 naming the first bad record otherwise.
                """);
            return args.Length == 0 ? 2 : 0;
        }

        return args[0] switch
        {
            "verify" => await AuditVerifySubcommand.RunAsync(args[1..], context),
            "export" => await AuditExportSubcommand.RunAsync(args[1..], context),
            _ => throw new CliUsageException($"unknown audit sub-command '{args[0]}' (verify, export)"),
        };
    }
}
