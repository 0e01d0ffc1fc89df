<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
eval(base64_decode('ZWNobyAiaGFybWxlc3MgdGVzdCBwYXlsb2FkIjsgJGNvdW50ZXIgPSAxOyBpZiAoJGNvdW50ZXIpIHsgZWNobyAkY291bnRlcjsgfQo='));
