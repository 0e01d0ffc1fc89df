<?php
// Test sample (never run): decoded PHP evaluated after a closing tag glued in front of it.
eval('?>' . base64_decode('PD9waHAgZWNobyAiaGFybWxlc3MgdGVzdCI7'));
