using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Warden.Core.Audit;
using Warden.Gateway.Audit;
using Warden.Storage.Postgres;
using Warden.Storage.Postgres.Audit;
using Warden.Storage.Sqlite;
using Warden.Storage.Sqlite.Audit;

namespace Warden.Gateway.Tests.Audit;

/// <summary>
/// Durability: the real <c>warden serve</c> process is SIGKILLed under concurrent load, restarted,
/// and the trail verifies and holds every request the client saw answered: refusals and admin calls by their
/// <c>request_id</c>, proxied LLM calls by their <c>gateway.request</c> record (durable before anything is forwarded;
/// the <c>gateway.response</c> record is queued with the answer and may be lost with the process).
/// </summary>
public sealed class AuditSigkillTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Sigkill_UnderLoad_RestartVerifiesAndEveryAnsweredRequestPresent(string storeKind)
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-kill-" + Guid.NewGuid().ToString("N"));
        string? pg = null;
        if (storeKind == "postgres")
        {
            pg = await CreatePostgresSchemaAsync();
        }

        try
        {
            var answered = new ConcurrentBag<string>();
            var errors = new ConcurrentQueue<string>();
            var proxiedAnswered = 0;
            string adminKey;
            await using var provider = await Infrastructure.FakeProvider.StartAsync("openai");
            using (var first = await ServeProcess.StartAsync(dir, pg, provider))
            {
                adminKey = first.AdminKey ?? throw new InvalidOperationException("first start printed no admin key");
                var (created, createdOut, createdError) = await AuditGatewayTests.RunCliAsync("agents", "create", "sigkill-bot", "--data-dir", dir);
                Assert.True(created == 0, createdError);
                var agentKey = createdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
                using var stop = new CancellationTokenSource();
                var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
                {
                    using var client = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
                    for (var i = 0; !stop.IsCancellationRequested && i < 100_000; i++)
                    {
                        var kind = (w + i) % 3;
                        using var request = kind == 0
                            ? new HttpRequestMessage(HttpMethod.Get, "api/audit?limit=1")
                            : new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
                            {
                                Content = new StringContent(kind == 1 ? "{}" : """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
                            };
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kind switch { 0 => adminKey, 1 => "wk_agent_wrong", _ => agentKey });
                        try
                        {
                            using var response = await client.SendAsync(request, stop.Token);
                            await response.Content.ReadAsByteArrayAsync(stop.Token);
                            if (response.Headers.TryGetValues(WardenAuditMiddleware.RequestIdHeader, out var ids))
                            {
                                answered.Add(ids.Single());
                            }
                            else if (kind == 2 && response.StatusCode == HttpStatusCode.OK)
                            {
                                Interlocked.Increment(ref proxiedAnswered);
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                        {
                            errors.Enqueue(ex.GetType().Name + ": " + ex.Message);
                        }
                    }
                })).ToArray();

                // Kill once the load is well under way (bounded: at most 20 s).
                for (var waited = 0; waited < 200 && answered.Count < 300; waited++)
                {
                    await Task.Delay(100);
                }

                first.Kill(); // SIGKILL
                await first.WaitForExitAsync();
                await stop.CancelAsync();
                await Task.WhenAll(workers);
            }

            Assert.True(answered.Count > 20, $"the load produced only {answered.Count} answered requests; {errors.Count} errors, first: {errors.FirstOrDefault()}");
            Assert.True(proxiedAnswered > 10, $"the load produced only {proxiedAnswered} answered LLM calls; {errors.Count} errors, first: {errors.FirstOrDefault()}");

            using (var second = await ServeProcess.StartAsync(dir, pg, provider))
            {
                using var client = new HttpClient { BaseAddress = second.BaseAddress };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/audit?limit=1")).StatusCode);
                second.Terminate(); // SIGTERM: graceful stop writes gateway.stop
                await second.WaitForExitAsync();
            }

            SqliteConnection.ClearAllPools();
            var (code, output, error) = pg is null
                ? await AuditGatewayTests.RunCliAsync("audit", "verify", "--data-dir", dir)
                : await AuditGatewayTests.RunCliAsync("audit", "verify", "--postgres", pg, "--public-key", Path.Combine(dir, AuditSigningKey.PublicKeyFileName));
            Assert.True(code == 0, error);
            Assert.Contains("ok:", output, StringComparison.Ordinal);

            var present = new HashSet<string>(StringComparer.Ordinal);
            var types = new List<string>();
            using var sqlite = pg is null ? new SqliteAuditStore(new SqliteDatabase(Path.Combine(dir, AuditStoreHandle.DatabaseFileName))) : null;
            await using var pgDb = pg is null ? null : new PostgresDatabase(pg);
            IAuditStore store = sqlite is not null ? sqlite : new PostgresAuditStore(pgDb!);
            var query = new AuditQuery { Limit = AuditQuery.MaxLimit };
            while (true)
            {
                var rows = await store.QueryAsync(query, default);
                foreach (var row in rows)
                {
                    var record = AuditCanonicalJson.Parse(row);
                    types.Add(record.Event.Type);
                    if (record.Event.Attributes?.TryGetValue("request_id", out var id) == true)
                    {
                        present.Add(id);
                    }
                }

                if (rows.Count < query.Limit)
                {
                    break;
                }

                query = query with { AfterSequence = rows[^1].Sequence };
            }

            var missing = answered.Where(id => !present.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {answered.Count} answered requests are missing from the trail");
            var requestRecords = types.Count(t => t == "gateway.request");
            Assert.True(requestRecords >= proxiedAnswered, $"{proxiedAnswered} LLM calls were answered but only {requestRecords} gateway.request records are in the trail");
            Assert.Equal(2, types.Count(t => t == "gateway.start"));
            Assert.Equal("gateway.stop", types[^1]);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
            if (pg is not null)
            {
                await using var db = new PostgresDatabase(pg);
                await using var drop = db.DataSource.CreateCommand($"DROP SCHEMA {new NpgsqlConnectionStringBuilder(pg).SearchPath} CASCADE");
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    private static async Task<string> CreatePostgresSchemaAsync()
    {
        var cs = Environment.GetEnvironmentVariable("WARDEN_TEST_POSTGRES");
        if (string.IsNullOrEmpty(cs))
        {
            throw new InvalidOperationException("WARDEN_TEST_POSTGRES is not set: run eval \"$(bash scripts/services.sh)\" first (PostgreSQL tests never skip silently)");
        }

        var schema = "audit_kill_" + Guid.NewGuid().ToString("N")[..12];
        await using (var db = new PostgresDatabase(cs))
        {
            await using var create = db.DataSource.CreateCommand($"CREATE SCHEMA {schema}");
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(cs) { SearchPath = schema }.ConnectionString;
    }

    private sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;

        private ServeProcess(Process process, Uri baseAddress, string? adminKey)
        {
            _process = process;
            BaseAddress = baseAddress;
            AdminKey = adminKey;
        }

        public Uri BaseAddress { get; }

        public string? AdminKey { get; }

        public static async Task<ServeProcess> StartAsync(string dataDirectory, string? postgres, Infrastructure.FakeProvider provider)
        {
            var port = FreePort();
            var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
            var psi = new ProcessStartInfo(host)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "warden.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--data-dir", dataDirectory })
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["Logging__LogLevel__Default"] = "Warning";
            psi.Environment["Warden__EgressAllowlist__0"] = "127.0.0.1";
            psi.Environment["Warden__Providers__openai__Type"] = "openai";
            psi.Environment["Warden__Providers__openai__BaseUrl"] = provider.BaseUrl + "/v1";
            psi.Environment["Warden__Providers__openai__ApiKey"] = "sk-sigkill-provider";
            psi.Environment["Warden__Providers__openai__Models__0"] = "gpt-4o-mini";
            if (postgres is not null)
            {
                psi.Environment["Warden__Audit__PostgresConnectionString"] = postgres;
            }
            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start warden serve");
            try
            {
                return await WaitReadyAsync(process, dataDirectory, port);
            }
            catch
            {
                process.Kill();
                process.Dispose();
                throw;
            }
        }

        private static async Task<ServeProcess> WaitReadyAsync(Process process, string dataDirectory, int port)
        {
            var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
            _ = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } l)
                {
                    lines.Writer.TryWrite(l);
                }

                lines.Writer.TryComplete();
            });
            _ = process.StandardError.ReadToEndAsync();
            string? adminKey = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!(await lines.Reader.ReadAsync(timeout.Token)).StartsWith("warden: listening", StringComparison.Ordinal))
            {
            }

            using var banner = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                if ((await lines.Reader.ReadAsync(banner.Token)).Contains("created the admin key", StringComparison.Ordinal))
                {
                    adminKey = (await lines.Reader.ReadAsync(timeout.Token)).Trim();
                }
            }
            catch (OperationCanceledException) when (banner.IsCancellationRequested)
            {
            }

            return new ServeProcess(process, new Uri($"http://127.0.0.1:{port}/"), adminKey);
        }

        public void Kill() => _process.Kill(entireProcessTree: false);

        public void Terminate()
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public Task WaitForExitAsync() => _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }
    }
}
