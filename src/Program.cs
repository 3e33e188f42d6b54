using ZfsPortal.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortal();

var app = builder.Build();
app.UsePortal();
await app.PreparePortalAsync();
app.Run();

/// <summary>Entry point; public so that tests can host the portal with WebApplicationFactory.</summary>
public partial class Program;
