using Warden.Core.Audit;

namespace Warden.Cli.Commands.Audit;

/// <summary><c>warden audit verify</c>: checks the whole chain and every checkpoint with only the public key.</summary>
internal static class AuditVerifySubcommand
{
    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        var options = CliArgs.Parse(args, ["data-dir", "postgres", "public-key"], []);
        if (options.Positionals.Count > 0)
        {
            throw new CliUsageException($"unexpected argument '{options.Positionals[0]}'");
        }

        await using var source = AuditStoreSource.Open(options);
        using var key = LoadPublicKey(options, source.DataDirectory);
        var result = await new AuditVerifier(source.Store, key).VerifyAsync(context.Cancellation);
        if (result.IsValid)
        {
            await context.Out.WriteLineAsync($"audit verify: ok: {result.RecordsChecked} records, {result.CheckpointsChecked} checkpoints verified (key {key.KeyId})");
            return 0;
        }

        await context.Error.WriteLineAsync($"warden audit verify: TAMPERED: {KindName(result.Kind)} at record {result.FirstBadSequence}: {result.Message}");
        return 1;
    }

    public static string KindName(AuditTamperKind kind) => kind switch
    {
        AuditTamperKind.ChangedRecord => "changed record",
        AuditTamperKind.DeletedRecord => "deleted record",
        AuditTamperKind.InsertedRecord => "inserted record",
        AuditTamperKind.ReorderedRecords => "reordered records",
        AuditTamperKind.Truncated => "truncated after checkpoint",
        AuditTamperKind.ForgedCheckpoint => "forged checkpoint",
        AuditTamperKind.DeletedCheckpoint => "deleted checkpoint",
        _ => "ok",
    };

    private static AuditSigningKey LoadPublicKey(CliArgs options, string dataDirectory)
    {
        if (options.Get("public-key") is { } file)
        {
            if (!File.Exists(file))
            {
                throw new CliUsageException($"no public key file {file}");
            }

            return AuditSigningKey.FromPublicKeyPem(File.ReadAllText(file));
        }

        var path = Path.Combine(dataDirectory, AuditSigningKey.PublicKeyFileName);
        if (!File.Exists(path))
        {
            throw new CliUsageException($"no public key at {path}; give --public-key FILE");
        }

        return AuditSigningKey.LoadPublic(dataDirectory);
    }
}
