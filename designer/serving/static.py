"""Static files through WhiteNoise, answered as bytes rather than as a stream.

WhiteNoise answers with a file stream, a synchronous iterator; served over ASGI (uvicorn under
``manage.py serve``, daphne under ``runserver``) Django then warns for every file that it must
consume it to serve it asynchronously. Statewise's static files are small (a few hundred KB in
all), so each is read whole and sent as one body, with WhiteNoise's status and headers (ranges,
caching, compression) unchanged.
"""
from __future__ import annotations

from django.http import HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    @staticmethod
    def serve(static_file, request):
        streamed = WhiteNoiseMiddleware.serve(static_file, request)
        try:
            body = b"".join(streamed.streaming_content)
        finally:
            streamed.close()
        response = HttpResponse(body, status=streamed.status_code)
        del response["Content-Type"]
        for key, value in streamed.items():
            response[key] = value
        return response
