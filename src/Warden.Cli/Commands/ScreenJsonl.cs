using System.Text.Json;
using Warden.Core.Screening;

namespace Warden.Cli.Commands;

/// <summary>The eval protocol loop of <c>warden screen --jsonl</c>.</summary>
internal static class ScreenJsonl
{
    public static async Task RunAsync(ContentScreener screener, ContentType type, CliContext context)
    {
        var lineNo = 0;
        while (await context.In.ReadLineAsync(context.Cancellation) is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string output;
            try
            {
                var input = JsonSerializer.Deserialize(line, ScreeningJsonContext.Default.JsonlInput);
                if (input?.Id is null || input.Text is null)
                {
                    output = Error(input?.Id, lineNo, "line needs string fields \"id\" and \"text\"");
                }
                else
                {
                    var result = screener.Screen(input.Text, type, SpotlightMode.Delimit);
                    output = JsonSerializer.Serialize(
                        new JsonlOutput(input.Id, new JsonlInjection(Math.Round(result.Injection.Score, 6), result.Injection.Detected)),
                        ScreeningJsonContext.Default.JsonlOutput);
                }
            }
            catch (JsonException)
            {
                output = Error(null, lineNo, "malformed JSON");
            }

            await context.Out.WriteLineAsync(output);
        }

        await context.Out.FlushAsync(context.Cancellation);
    }

    private static string Error(string? id, int line, string message) =>
        JsonSerializer.Serialize(new JsonlError(id, new JsonlErrorBody(line, message)), ScreeningJsonContext.Default.JsonlError);
}
