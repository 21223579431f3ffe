"""Security headers the pages keep: a strict Content-Security-Policy and a Permissions-Policy.

Every script and stylesheet is a static file of the app (no inline <script>, no style="…",
no CDN), so the policy allows only this origin. Django's SecurityMiddleware sets the other
headers (HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy); clickjacking protection
comes from X-Frame-Options and frame-ancestors below.
"""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
