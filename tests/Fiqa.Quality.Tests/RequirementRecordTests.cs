using System.Text.Json;
using Fiqa.Quality.Records;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>One story per component: a record shows, beside each judged component's scalar, the profile's requirement
/// and whether it is met, and that agrees with the verdict's reasons (a HeadPosePitch of scalar 96 that fails
/// |pitch| ≤ 5° says so in the same place).</summary>
public class RequirementRecordTests
{
    [Fact]
    public void JudgedComponents_CarryTheirRequirement_AgreeingWithTheReasons()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Profile = "icao", DetectRotation = false });
        int judged = 0, failed = 0;
        foreach (var file in new[] { "fixtures/astronaut.jpg", "franck/franck_04000.jpg", "dlib/johns/John_Simm/000310_00470511.jpg" })
        {
            var r = assessor.Assess(TestData.File(file));
            var verdict = r.Faces[0].Verdict!;
            var failingMeasures = verdict.Reasons.Select(x => x.Measure).OfType<string>().ToHashSet();
            var profileMeasures = assessor.Profile!.Requirements.Select(x => x.Measure).ToHashSet();
            var quality = JsonDocument.Parse(FaceJson.Records(r, false).First()).RootElement.GetProperty("quality");
            foreach (var component in quality.EnumerateObject())
            {
                bool has = component.Value.TryGetProperty("requirement", out var req);
                Assert.Equal(profileMeasures.Contains(component.Name), has);
                if (!has) continue;
                judged++;
                bool pass = req.GetProperty("pass").GetBoolean();
                Assert.Equal(!failingMeasures.Contains(component.Name), pass);
                if (!pass) failed++;
                Assert.False(string.IsNullOrWhiteSpace(req.GetProperty("text").GetString()));
            }
        }
        Assert.True(failed > 0 && judged > failed, $"{judged} judged, {failed} failed: the set should have both");
    }
}
