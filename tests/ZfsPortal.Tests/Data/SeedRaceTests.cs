using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Backends;
using ZfsPortal.Hosting;
using ZfsPortal.Storage;
using ZfsPortal.Tests.Support;

namespace ZfsPortal.Tests.Data;

/// <summary>Two portal nodes started at once on one PostgreSQL database both seed it (issue 15).</summary>
public sealed class SeedRaceTests
{
    [Fact]
    public async Task Two_nodes_seeding_one_postgresql_database_at_once_leave_one_of_everything_and_print_only_working_passwords()
    {
        using var database = new TestDatabase(postgres: true);
        var backend = new BackendOptions { Name = "race-zfs", Host = "192.0.2.10", User = "zfs", Pools = ["tank"] };
        using var a = new Node(database, backend);
        using var b = new Node(database, backend);

        // Several rounds: the first seeds an empty database; later ones find everything there, as a restart does.
        for (var round = 0; round < 3; round++)
        {
            var both = await Task.WhenAll(a.SeedAsync(), b.SeedAsync());

            await using var db = database.CreateDbContext();
            Assert.Equal(2, await db.Roles.CountAsync());
            Assert.Equal(1, await db.ShareTypes.CountAsync(t => t.Name == DemoSeed.DefaultShareType));
            Assert.Equal(1, await db.Projects.CountAsync(p => p.Name == "demo"));
            Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "admin@race.test"));
            Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "tenant@race.test"));
            Assert.Equal(1, await db.ProjectMembers.CountAsync());
            Assert.Equal(1, await db.Backends.CountAsync());
            // Whichever node made a user prints its password; the other prints none rather than a wrong one.
            var printed = both.SelectMany(logins => logins).ToList();
            Assert.Equal(2, printed.Count);
            foreach (var login in printed)
                Assert.True(await a.PasswordWorksAsync(login), $"{login.Email}'s printed password does not sign in");
        }
    }

    /// <summary>One node's seeding services: its own container and data folder, the shared database.</summary>
    private sealed class Node : IDisposable
    {
        private readonly ServiceProvider _services;
        private readonly string _dataDir = Directory.CreateTempSubdirectory("zfsportal-seed-").FullName;

        public Node(TestDatabase database, BackendOptions backend)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<IDbContextFactory<PortalDbContext>>(database);
            services.AddScoped(_ => database.CreateDbContext());
            services.AddIdentityCore<PortalUser>(o => o.User.RequireUniqueEmail = true)
                .AddRoles<IdentityRole>().AddEntityFrameworkStores<PortalDbContext>();
            services.AddSingleton(Options.Create(new SeedOptions { Demo = true, AdminEmail = "admin@race.test", TenantEmail = "tenant@race.test" }));
            services.AddSingleton(Options.Create(new PortalOptions { DataDirectory = _dataDir }));
            services.AddSingleton(Options.Create(new StorageOptions { Backends = [backend] }));
            services.AddSingleton<IWebHostEnvironment>(new Environment(_dataDir));
            services.AddScoped<DemoSeed>();
            services.AddSingleton<BackendSeed>();
            _services = services.BuildServiceProvider();
        }

        /// <summary>What PreparePortalAsync does after the migration.</summary>
        public async Task<IReadOnlyList<SeededLogin>> SeedAsync()
        {
            await using var scope = _services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BackendSeed>().SeedAsync(default);
            return await scope.ServiceProvider.GetRequiredService<DemoSeed>().SeedAsync(default);
        }

        public async Task<bool> PasswordWorksAsync(SeededLogin login)
        {
            await using var scope = _services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            return await users.CheckPasswordAsync((await users.FindByEmailAsync(login.Email))!, login.Password);
        }

        public void Dispose()
        {
            _services.Dispose();
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private sealed class Environment(string root) : IWebHostEnvironment
    {
        public string WebRootPath { get; set; } = root;
        public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
        public string ApplicationName { get; set; } = "ZfsPortal";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
        public string ContentRootPath { get; set; } = root;
        public string EnvironmentName { get; set; } = "Production";
    }
}
