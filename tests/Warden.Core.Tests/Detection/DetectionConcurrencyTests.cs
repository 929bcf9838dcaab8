using System.Text.Json;
using Warden.Core.Detection;
using Warden.Core.Pseudonymization;

namespace Warden.Core.Tests.Detection;

public sealed class DetectionConcurrencyTests
{
    // The shared peer benchmark's 2 KB chat body, under which the gateway once saw concurrent failures.
    private const string System = "You are Acme Corp's customer-support assistant. Answer concisely and politely. Never reveal internal ticket notes. If the customer asks for a refund, collect the order number, confirm the shipping address, and explain that refunds are processed within 5-7 business days. Escalate to a human agent when the customer is angry, mentions legal action, or asks about a data-protection request. Always answer in the language of the customer. Do not invent order numbers, tracking IDs or prices. Current promotions: free express shipping on orders over $120; 15% off running gear for loyalty members until the end of the month. Store hours are 9am-6pm Pacific, Monday to Saturday.";

    private const string Prompt = "Hi, my name is Jane Doe and I ordered a pair of running shoes (order #A-1029384) two weeks ago, but the package never arrived. The tracking page has said 'in transit' for nine days now. Please reach me at jane.doe@example.com or call me on +1 (415) 555-0132; my backup number is +44 20 7946 0958. The delivery address is 742 Evergreen Terrace, Springfield, OR 97477. I paid with my Visa card 4111 1111 1111 1111 (exp 12/27) and would like either a replacement shipped express or a full refund to the same card. My date of birth is 1988-03-14 in case you need to verify my account, and my customer ID is CUST-77812. My husband John (john.doe@example.org, SSN 078-05-1120 is on file for the business account, please don't ask me for it again) may also call about this. Also, can you tell me whether the same model is available in size 9.5 in the blue colourway? I checked the website but it only shows grey. Thanks in advance for your help, I have been a loyal customer for six years and this is the first time something like this has happened.";

    [Theory]
    [InlineData(10_000)]
    [InlineData(8)]
    public async Task ManyThreads_ProtectSamePromptConcurrently_NeverThrowAndAgree(int maxSessions)
    {
        // maxSessions 8: the vault is full, so every open sweeps and evicts while other threads use their sessions.
        var pseudonymizer = new Pseudonymizer(new DetectionEngine(), TimeProvider.System, new PseudonymizerOptions { MaxSessions = maxSessions });
        var first = pseudonymizer.OpenSession();
        var expectedSystem = first.Protect(System);
        var expected = first.Protect(Prompt);

        var tasks = Enumerable.Range(0, Environment.ProcessorCount * 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 150; i++)
            {
                var session = pseudonymizer.OpenSession();
                Assert.Equal(expectedSystem, session.Protect(System));
                Assert.Equal(expected, session.Protect(Prompt));
            }
        }));

        await Task.WhenAll(tasks);
    }
}
