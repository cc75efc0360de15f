/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build folder per developer process when several run side by side (NEXT_DIST_DIR).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ['better-sqlite3'],
  typescript: { ignoreBuildErrors: false },
  // NEXT_SERVER_MINIFY=false: server code keeps its function names, for a readable CPU profile (bench/profile.ts).
  ...(process.env.NEXT_SERVER_MINIFY === 'false' ? { experimental: { serverMinification: false } } : {}),
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
      // Feed URLs are secrets: never leak them in a Referer (the later rule wins for /feeds).
      { source: '/feeds/:path*', headers: [{ key: 'Referrer-Policy', value: 'no-referrer' }, { key: 'X-Robots-Tag', value: 'noindex' }] },
    ];
  },
};

export default nextConfig;
