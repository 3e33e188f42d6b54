var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "ZfsPortal");
app.Run();

public partial class Program;
