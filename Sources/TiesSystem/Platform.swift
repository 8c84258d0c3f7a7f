// TiesSystem is the one module that talks to the operating system: files,
// fsync, locks, sockets, clocks, sleep, signals, standard streams and the
// process. Every other module of the product goes through it, so EINTR,
// short reads and writes, and errno are handled once, here. (The build-time
// tools `ties-embed` and `EmbedResourcesPlugin` run inside the build, never
// in a shipped binary, and use Foundation's file APIs directly.)
//
// Ties runs on Linux and calls Glibc directly; each file of this module
// imports it. A port adds its branch here first. Until a second platform is
// built and tested, a clear error beats a branch that has never compiled.
#if !os(Linux)
#error("Ties supports Linux only: TiesSystem calls Glibc directly (see Sources/TiesSystem/Platform.swift)")
#endif
